/**
 * A query parameter looked up without regard to the case of its name: Microsoft documents `Email`
 * and `Protocol`, but callers differ. Two spellings of the same name count as a repeated parameter
 * and come back as an array, which the answers refuse like any non-string value.
 */
export function queryParam(query: Record<string, unknown>, name: string): unknown {
  const wanted = name.toLowerCase();
  const values = Object.entries(query)
    .filter(([key]) => key.toLowerCase() === wanted)
    .map(([, value]) => value);
  return values.length <= 1 ? values[0] : values;
}
