// VRT lookup tables over 16-bit integer inputs (Landsat DNs and QA words). The input is always an integer, so
// GDAL's linear interpolation between entries never applies: the table is exact, not an approximation.

const MAX_UINT16 = 65_535;

/** `<LUT>` text mapping every value from `first` to 65535 through `map`. */
export function uint16LookupTable(map: (value: number) => number, first = 0): string {
  const entries: string[] = [];
  for (let value = first; value <= MAX_UINT16; value++) entries.push(`${value}:${map(value)}`);
  return entries.join(",");
}
