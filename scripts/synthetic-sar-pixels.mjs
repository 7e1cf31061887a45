// The pixels of ./dev bench sar's synthetic radar products (RADARSAT-2 and RCM alike): a channel's UInt16 image
// in strips, uncompressed, as MDA and the CSA deliver them, drawn from a known sigma0 and its product's LUT.
import gdal from "gdal-async";
import { gamma, mulberry32 } from "./synthetic-radarsat2-product.mjs";

const FIELD = 40;
const STRIPE = 256;
const [TILE_WIDTH, TILE_HEIGHT] = [1021, 1031];

/**
 * Writes one channel. Drawing gamma speckle for each of hundreds of millions of pixels in JavaScript would take
 * minutes, so the channel repeats its own 1021 x 1031 tile of seeded gamma speckle of the product's looks (prime
 * sizes, shifted 7 samples a line, so the repeats do not line up with the fields) over fields of 40 x 40 px at
 * -16 to -5 dB (cross-pol 6 to 10 dB lower, one field in 29 built up at -1 dB), a winding river 24 px wide at
 * -22 dB, and sigma0 falling by `rangeFallDb` from near to far range. DN = sqrt(sigma0 x speckle x gain - offset),
 * as both sensors' sigma0 LUTs have it (sigma0 = (DN² + offset) / gain).
 *   gains: the sigma0 gain at every sample of a line; seed: the speckle tile's; crossPol: the cross-polarised
 *   channel of the pair.
 */
export function writeSpeckledChannel({
  file,
  samples,
  lines,
  gains,
  offset,
  looks,
  rangeFallDb,
  seed,
  crossPol,
}) {
  const gainAndRange = Float64Array.from(
    { length: samples },
    (_, s) => gains[s] * 10 ** (-(rangeFallDb / 10) * (s / samples)),
  );
  const fieldOfSample = Int32Array.from({ length: samples }, (_, s) => Math.floor(s / FIELD));
  const level = new Float64Array(fieldOfSample[samples - 1] + 1);
  const random = mulberry32(seed);
  const speckle = Float64Array.from({ length: TILE_WIDTH * TILE_HEIGHT }, () => gamma(looks, random));
  const dataset = gdal.open(file, "w", "GTiff", samples, lines, 1, gdal.GDT_UInt16);
  const band = dataset.bands.get(1);
  const dn = new Uint16Array(samples * STRIPE);
  for (let top = 0; top < lines; top += STRIPE) {
    const rows = Math.min(STRIPE, lines - top);
    for (let r = 0; r < rows; r++) {
      const line = top + r;
      if (line % FIELD === 0 || r === 0) fieldLevels(level, Math.floor(line / FIELD), crossPol);
      const river = samples * 0.4 + samples * 0.05 * Math.sin(line / 1500);
      const [riverFrom, riverTo] = [Math.round(river), Math.round(river) + 24];
      const tileRow = (line % TILE_HEIGHT) * TILE_WIDTH;
      let tileColumn = (line * 7) % TILE_WIDTH;
      for (let s = 0; s < samples; s++) {
        const sigma0 = s >= riverFrom && s < riverTo ? 10 ** -2.2 : level[fieldOfSample[s]];
        const power = sigma0 * speckle[tileRow + tileColumn] * gainAndRange[s] - offset;
        dn[r * samples + s] = Math.min(65535, Math.max(1, Math.round(Math.sqrt(Math.max(power, 0)))));
        if (++tileColumn === TILE_WIDTH) tileColumn = 0;
      }
    }
    band.pixels.write(0, top, samples, rows, dn.subarray(0, samples * rows));
  }
  dataset.close();
}

/** The sigma0 (linear) of each field along a row of fields, from a hash of where it is; cross-pol lower. */
function fieldLevels(level, fieldRow, crossPol) {
  for (let c = 0; c < level.length; c++) {
    const hash = (Math.imul(fieldRow, 73_856_093) ^ Math.imul(c, 19_349_663)) >>> 0;
    const builtUp = hash % 29 === 0;
    const coPol = builtUp ? -1 : -16 + 11 * ((hash % 1009) / 1008);
    const dB = crossPol ? coPol - 6 - 4 * (((hash >>> 10) % 101) / 100) : coPol;
    level[c] = 10 ** (dB / 10);
  }
}
