import { escapeXml } from "./escape-xml.js";

// gdal-async has no setter for a band's description, so VRTs are given it (and the band's scale and offset) in
// their XML before a COG is written from them or a stack is published.

export interface BandDescription {
  readonly description: string;
  /** Physical value = stored * scale + offset. */
  readonly unscale?: { readonly scale: number; readonly offset: number } | undefined;
}

/** The VRT's XML with band `band` (1-based) described; throws when the VRT has no such band. */
export function describeVrtBand(
  xml: string,
  band: number,
  { description, unscale }: BandDescription,
): string {
  const fields = [`<Description>${escapeXml(description)}</Description>`];
  if (unscale !== undefined)
    fields.push(`<Offset>${unscale.offset}</Offset>`, `<Scale>${unscale.scale}</Scale>`);
  const opening = new RegExp(`(<VRTRasterBand\\b[^>]*\\bband="${band}"[^>]*>)`);
  if (!opening.test(xml)) throw new Error(`the VRT has no raster band ${band} to describe`);
  return xml.replace(opening, `$1\n    ${fields.join("\n    ")}`);
}
