/**
 * The values of named gauges in Prometheus' text exposition format, summed over their label
 * sets (vLLM labels each by model name). Lines are `name{labels} value [timestamp]`.
 */
export function readGauges(text: string, names: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const end = brace >= 0 && brace < space ? brace : space;
    if (end <= 0) continue;
    const name = line.slice(0, end);
    if (!names.includes(name)) continue;
    const rest =
      brace >= 0 && brace < space ? line.slice(line.indexOf('}', brace) + 1) : line.slice(end);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) found.set(name, (found.get(name) ?? 0) + value);
  }
  return found;
}
