// The pages' one formatter (src/web/assets/format.js), also used by the API's sentences: the same
// text in every browser and Node build, whatever their Intl data.
import { expect } from "chai";
import { formatDateTime, formatDay, formatEuro, formatEuroShort, formatMonth, formatMonthShort, formatRange } from "../../src/web/assets/format.js";

describe("format.js: dates, months and amounts as people read them", function () {
  it("writes amounts as 1.064,98 € in Italian and €1,064.98 in English, grouping thousands", function () {
    expect(formatEuro(106498)).to.equal("1.064,98 €");
    expect(formatEuro(106498, "en")).to.equal("€1,064.98");
    expect(formatEuro(5)).to.equal("0,05 €");
    expect(formatEuro(123456789)).to.equal("1.234.567,89 €");
    expect(formatEuro(34071)).to.equal("340,71 €");
    expect(formatEuro(null)).to.equal("—");
  });

  it("writes days as 6 aprile 2026 and months as dicembre 2026, from ISO strings or YYYYMMDD/YYYYMM numbers", function () {
    expect(formatDay("2026-04-06")).to.equal("6 aprile 2026");
    expect(formatDay(20260406)).to.equal("6 aprile 2026");
    expect(formatDay("2026-04-06T10:00:00.000Z", "en")).to.equal("6 April 2026");
    expect(formatDay(null)).to.equal("—");
    expect(formatMonth("2026-12")).to.equal("dicembre 2026");
    expect(formatMonth(202612, "en")).to.equal("December 2026");
    expect(formatMonthShort("2027-01")).to.equal("gen 27");
  });

  it("gives a moment in Rome's time, summer time included", function () {
    expect(formatDateTime("2026-07-01T12:05:00Z")).to.equal("1 luglio 2026, ore 14:05");
    expect(formatDateTime("2026-12-01T12:05:00Z", "en")).to.equal("1 December 2026, 13:05");
  });

  it("writes ranges and chart amounts compactly", function () {
    expect(formatRange(74, 99)).to.equal("74–99%");
    expect(formatRange(100, 100)).to.equal("100%");
    expect(formatEuroShort(1_550_000)).to.equal("15,5 k€");
    expect(formatEuroShort(250_000_000, "en")).to.equal("€2.5m");
  });
});
