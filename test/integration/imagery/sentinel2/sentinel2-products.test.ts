import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { describe, expect, it } from "vitest";
import { harmoniseToLandsat8 } from "../../../../src/imagery/sentinel2/hls-harmonisation.js";
import { readSentinel2Metadata } from "../../../../src/imagery/sentinel2/read-sentinel2-metadata.js";
import { finestBandFile, presentFiles } from "../../../../src/imagery/sentinel2/sentinel2-band-files.js";
import { sentinel2ProductSource } from "../../../../src/imagery/sentinel2/sentinel2-product-source.js";
import { sentinel2BandConversion } from "../../../../src/imagery/sentinel2/sentinel2-products.js";
import { conversionVrt } from "../../../../src/pipeline/conversion-vrt.js";
import type { BandConversion } from "../../../../src/pipeline/band-conversion.js";
import { L2A_ID, L2A_SAFE, sceneOf } from "./sentinel2-fixtures.js";

// Surface reflectance of the real 04.00 L2A product, pixel by pixel through GDAL, against (DN + offset) / Q with
// Q and the offset read from the raw XML here (not through the service's model); DN 0 must stay nodata.

async function rawRadiometry(bandId: number): Promise<{ q: number; offset: number }> {
  const xml = await fs.readFile(path.join(L2A_SAFE, "MTD_MSIL2A.xml"), "utf8");
  const q = /<BOA_QUANTIFICATION_VALUE[^>]*>([^<]+)</.exec(xml)?.[1];
  const offset = new RegExp(`<BOA_ADD_OFFSET band_id="${bandId}">([^<]+)<`).exec(xml)?.[1];
  if (q === undefined || offset === undefined) throw new Error("test: the fixture's MTD has no radiometry");
  return { q: Number(q), offset: Number(offset) };
}

function read(file: string): number[] {
  const dataset = gdal.open(file);
  try {
    const { x, y } = dataset.rasterSize;
    return Array.from(dataset.bands.get(1).pixels.read(0, 0, x, y), Number);
  } finally {
    dataset.close();
  }
}

/** Applies a conversion through the pipeline's VRT and returns physical values (NaN where nodata) and DNs. */
function convert(source: string, conversion: BandConversion): { values: number[]; dns: number[] } {
  const virtual = conversionVrt(source, conversion);
  try {
    const stored = read(virtual.path);
    const unscale = conversion.unscale ?? { scale: 1, offset: 0 };
    const values = stored.map((v) => (v === conversion.nodata ? NaN : v * unscale.scale + unscale.offset));
    return { values, dns: read(source) };
  } finally {
    virtual.release();
  }
}

describe(`surface reflectance of ${L2A_ID} B02 (R60m)`, async () => {
  const source = sentinel2ProductSource({ kind: "folder", dir: L2A_SAFE });
  const metadata = await readSentinel2Metadata(source, sceneOf(L2A_ID));
  const file = source.path(finestBandFile(metadata, "B02", await presentFiles(source, metadata)).file);
  const { q, offset } = await rawRadiometry(1);

  it.each([
    ["int16", 0.5e-4 + 2e-7],
    ["float32", 1e-6],
  ] as const)("as %s: every pixel is (DN + offset) / Q, and DN 0 is nodata", (type, tolerance) => {
    expect({ q, offset }).toEqual({ q: 10000, offset: -1000 });
    const { values, dns } = convert(file, sentinel2BandConversion(metadata, "B02", "sr", type));
    let fill = 0;
    let fillKept = 0;
    let worst = 0;
    for (let i = 0; i < dns.length; i++) {
      if (dns[i] === 0) {
        fill++;
        if (!Number.isNaN(values[i])) fillKept++;
        continue;
      }
      worst = Math.max(worst, Math.abs(values[i]! - (dns[i]! + offset) / q));
    }
    expect(fillKept).toBe(0);
    expect(worst).toBeLessThanOrEqual(tolerance);
    expect(fill).toBeGreaterThan(1000);
    expect(dns.length - fill).toBeGreaterThan(100_000);
  });

  it("one pixel by hand: the first valid DN of the band", () => {
    const { values, dns } = convert(file, sentinel2BandConversion(metadata, "B02", "sr", "float32"));
    const i = dns.findIndex((dn) => dn > 1000);
    expect(values[i]).toBeCloseTo((dns[i]! - 1000) / 10000, 6);
  });

  it("harmonised to Landsat 8 OLI: slope * rho + offset at every valid pixel, in the same single step", () => {
    const sr = sentinel2BandConversion(metadata, "B02", "sr", "float32");
    const { values, dns } = convert(file, harmoniseToLandsat8(sr, metadata.satellite, "B02"));
    for (let i = 0; i < dns.length; i += 97) {
      if (dns[i] === 0) continue;
      expect(Math.abs(values[i]! - (0.9778 * ((dns[i]! + offset) / q) - 0.004))).toBeLessThan(1e-6);
    }
  });
});
