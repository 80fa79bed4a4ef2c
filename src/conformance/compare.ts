// Compares a scenario's answers with its .expected.jsonl: every expected key must match; extra
// keys in an answer (transaction hash, gas) are allowed.
export function compareAnswers(answers: readonly object[], expectedJsonl: string): string[] {
  const expected = expectedJsonl
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const differences: string[] = [];
  if (expected.length !== answers.length) {
    differences.push(`expected ${expected.length} answers, got ${answers.length}`);
  }
  expected.forEach((want, i) => {
    const got = answers[i] as Record<string, unknown> | undefined;
    if (!got) return;
    for (const [key, value] of Object.entries(want)) {
      if (JSON.stringify(got[key]) !== JSON.stringify(value)) {
        differences.push(`query ${i + 1}: ${key} expected ${JSON.stringify(value)}, got ${JSON.stringify(got[key])}`);
      }
    }
  });
  return differences;
}
