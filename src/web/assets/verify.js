// The verification page (a museum, a transport company, an office): creates a presentation
// request (a nonce and an audience, shown as a QR code for the person's wallet), reads the
// wallet's presentation (SD-JWT VC with a key-binding JWT) from the camera, a photo of its QR code
// or pasted text, and shows what the API answers: "Carta valida", "Carta non valida" or refused,
// with only the claims the person disclosed. QR codes are decoded in the browser with jsQR (served
// by this site, loaded as a classic script before this module), so no image leaves the device.
import { api, dateTime, focusRegion, h, onLanguage, setUpPage, shortHash, t, tx } from "./common.js";

setUpPage();
const el = (id) => document.getElementById(id);
const textArea = el("proof-text");
const error = el("verify-error");
let last = null;
let request = null;

const VERDICT_SIGN = { valid: "✓", "not-valid": "✗", refused: "✗" };

function render() {
  if (!last) return;
  const v = last;
  const rows = [];
  if (v.expiresAt) rows.push([t("verify.validUntil"), dateTime(v.expiresAt)]);
  if (v.status?.anchor.transaction) rows.push([t("verify.anchor"), h("span", { class: "mono", title: v.status.anchor.transaction }, shortHash(v.status.anchor.transaction))]);
  // The reason code stays in data-reason (for tools); a verifier reads the sentence.
  el("verdict").replaceChildren(h("div", { class: "verdict", "data-verdict": v.verdict, "data-reason": v.reason },
    h("strong", { id: "verdict-headline" }, `${VERDICT_SIGN[v.verdict]} ${tx(v.headline)}`),
    h("p", {}, tx(v.message)),
    v.claims.length ? h("ul", { id: "verdict-claims" }, v.claims.map((c) => h("li", { "data-claim": c.name }, tx(c.text)))) : null,
    h("dl", {}, rows.flatMap(([k, value]) => [h("dt", {}, k), h("dd", {}, value)])),
  ));
}

function renderRequest() {
  if (!request) return;
  const box = el("request");
  box.classList.remove("hidden");
  const qr = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(request.qrSvg)}`;
  box.replaceChildren(h("div", { class: "proof", "data-request": request.nonce },
    h("img", { id: "request-qr", src: qr, alt: t("verify.request.qrAlt"), width: "280", height: "280" }),
    h("div", {},
      h("label", { for: "request-text" }, t("verify.request.text")),
      h("textarea", { id: "request-text", readonly: true, rows: "3" }, request.requestUri),
      h("p", { class: "muted" }, t("verify.request.validUntil", { date: dateTime(request.expiresAt) })),
    )));
}
onLanguage(() => {
  render();
  renderRequest();
});

el("request-new").addEventListener("click", async () => {
  error.textContent = "";
  try {
    request = await api("/v1/presentations/requests", { method: "POST", body: {} });
    renderRequest();
    focusRegion(el("request"));
  } catch (e) {
    error.textContent = e.message;
  }
});

async function verify(text) {
  error.textContent = "";
  if (!text.trim()) {
    error.textContent = t("verify.error.empty");
    textArea.focus();
    return;
  }
  try {
    last = await api("/v1/presentations/verify", { method: "POST", body: { presentation: text.trim() } });
    render();
    focusRegion(el("verdict"));
  } catch (e) {
    error.textContent = e.message;
  }
}

/** The QR code's text in an image (ImageBitmap, video frame), or null. */
function decode(source, width, height) {
  // Large photos are scaled down: jsQR's time grows with the pixels, a QR needs far fewer.
  const scale = Math.min(1, 1200 / Math.max(width, height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  const found = globalThis.jsQR(pixels.data, pixels.width, pixels.height);
  return found ? found.data : null;
}

el("qr-file").addEventListener("change", async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  error.textContent = "";
  try {
    const bitmap = await createImageBitmap(file);
    const text = decode(bitmap, bitmap.width, bitmap.height);
    if (!text) {
      error.textContent = t("verify.error.noQr");
      return;
    }
    textArea.value = text;
    await verify(text);
  } catch {
    error.textContent = t("verify.error.image");
  }
});

let stream = null;
const stopCamera = () => {
  stream?.getTracks().forEach((track) => track.stop());
  stream = null;
  el("camera").classList.add("hidden");
  el("camera-stop").classList.add("hidden");
  el("camera-start").classList.remove("hidden");
};
el("camera-stop").addEventListener("click", stopCamera);
el("camera-start").addEventListener("click", async () => {
  error.textContent = "";
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch {
    error.textContent = t("verify.error.camera");
    return;
  }
  const video = el("camera");
  video.srcObject = stream;
  video.classList.remove("hidden");
  el("camera-start").classList.add("hidden");
  el("camera-stop").classList.remove("hidden");
  el("camera-stop").focus();
  await video.play();
  const scan = async () => {
    if (!stream) return;
    const text = video.videoWidth ? decode(video, video.videoWidth, video.videoHeight) : null;
    if (text) {
      stopCamera();
      textArea.value = text;
      await verify(text);
      return;
    }
    setTimeout(scan, 250);
  };
  scan();
});

el("verify-form").addEventListener("submit", (event) => {
  event.preventDefault();
  verify(textArea.value);
});

// A link such as /verifica#<presentation> is verified at once; the fragment never reaches a server log.
if (location.hash.length > 20) {
  textArea.value = decodeURIComponent(location.hash.slice(1));
  verify(textArea.value);
}
