import path from "node:path";
import gdal from "gdal-async";
import { describe, expect, it } from "vitest";
import { bandFile, readLandsatMetadata } from "../../../../src/imagery/landsat/landsat-metadata.js";
import { mtlGroup, readMtl, type MtlGroup } from "../../../../src/imagery/landsat/mtl.js";
import { conversionVrt } from "../../../../src/pipeline/conversion-vrt.js";
import { bandConversion, ProductError } from "../../../../src/imagery/landsat/landsat-products.js";
import { fixtureSceneDir, SCENES } from "../../../helpers/paths.js";

// Product values pixel by pixel against formulas written out here from the MTL's raw fields (not through the
// service's metadata model), on real scenes; fill (DN 0) must stay nodata.

function field(mtl: MtlGroup, group: string, key: string): number {
  const value = mtlGroup(mtl, group)?.[key];
  if (typeof value !== "string") throw new Error(`test: no ${group}.${key}`);
  return Number(value);
}

function read(file: string): number[] {
  const ds = gdal.open(file);
  try {
    const { x, y } = ds.rasterSize;
    return Array.from(ds.bands.get(1).pixels.read(0, 0, x, y), Number);
  } finally {
    ds.close();
  }
}

const C1 = "L1_METADATA_FILE";
const C2 = "LANDSAT_METADATA_FILE";
const deg = Math.PI / 180;

/** The independent formulas, DN -> physical value, from the raw MTL. */
const EXPECTED: Record<string, (mtl: MtlGroup, n: string) => (dn: number) => number> = {
  "L1 radiance": (mtl, n) => {
    const [m, a] = [`RADIANCE_MULT_BAND_${n}`, `RADIANCE_ADD_BAND_${n}`].map((k) =>
      field(mtl, `${C1}.RADIOMETRIC_RESCALING`, k),
    );
    return (dn) => m! * dn + a!;
  },
  "L1 toa": (mtl, n) => {
    const m = field(mtl, `${C1}.RADIOMETRIC_RESCALING`, `REFLECTANCE_MULT_BAND_${n}`);
    const a = field(mtl, `${C1}.RADIOMETRIC_RESCALING`, `REFLECTANCE_ADD_BAND_${n}`);
    const sun = field(mtl, `${C1}.IMAGE_ATTRIBUTES`, "SUN_ELEVATION");
    return (dn) => (m * dn + a) / Math.sin(sun * deg);
  },
  "L1 bt": (mtl, n) => {
    const m = field(mtl, `${C1}.RADIOMETRIC_RESCALING`, `RADIANCE_MULT_BAND_${n}`);
    const a = field(mtl, `${C1}.RADIOMETRIC_RESCALING`, `RADIANCE_ADD_BAND_${n}`);
    const k1 = field(mtl, `${C1}.TIRS_THERMAL_CONSTANTS`, `K1_CONSTANT_BAND_${n}`);
    const k2 = field(mtl, `${C1}.TIRS_THERMAL_CONSTANTS`, `K2_CONSTANT_BAND_${n}`);
    return (dn) => k2 / Math.log(k1 / (m * dn + a) + 1);
  },
  "L2 sr": (mtl, n) => {
    const m = field(mtl, `${C2}.LEVEL2_SURFACE_REFLECTANCE_PARAMETERS`, `REFLECTANCE_MULT_BAND_${n}`);
    const a = field(mtl, `${C2}.LEVEL2_SURFACE_REFLECTANCE_PARAMETERS`, `REFLECTANCE_ADD_BAND_${n}`);
    return (dn) => m * dn + a;
  },
  "L2 st": (mtl, n) => {
    const m = field(mtl, `${C2}.LEVEL2_SURFACE_TEMPERATURE_PARAMETERS`, `TEMPERATURE_MULT_BAND_ST_B${n}`);
    const a = field(mtl, `${C2}.LEVEL2_SURFACE_TEMPERATURE_PARAMETERS`, `TEMPERATURE_ADD_BAND_ST_B${n}`);
    return (dn) => m * dn + a;
  },
};

describe.each([
  {
    scene: SCENES.l1,
    band: "B4",
    product: "radiance",
    type: "float32",
    formula: "L1 radiance",
    quantity: "radiance",
  },
  {
    scene: SCENES.l1,
    band: "B10",
    product: "radiance",
    type: "float32",
    formula: "L1 radiance",
    quantity: "radiance",
  },
  { scene: SCENES.l1, band: "B4", product: "toa", type: "float32", formula: "L1 toa", quantity: "toa" },
  { scene: SCENES.l1, band: "B4", product: "toa", type: "int16", formula: "L1 toa", quantity: "toa" },
  { scene: SCENES.l1, band: "B10", product: "toa", type: "int16", formula: "L1 bt", quantity: "bt" },
  { scene: SCENES.l1, band: "B11", product: "toa", type: "float32", formula: "L1 bt", quantity: "bt" },
  { scene: SCENES.l2, band: "B4", product: "sr", type: "float32", formula: "L2 sr", quantity: "sr" },
  { scene: SCENES.south, band: "B2", product: "sr", type: "int16", formula: "L2 sr", quantity: "sr" },
  { scene: SCENES.l2, band: "B10", product: "sr", type: "int16", formula: "L2 st", quantity: "st" },
] as const)(
  "$product of $band from $scene.id as $type",
  ({ scene, band, product, type, formula, quantity }) => {
    it("matches the formula at every pixel, and keeps fill as nodata", async () => {
      const mtl = await readMtl(fixtureSceneDir(scene), scene.id);
      const metadata = readLandsatMetadata(mtl);
      const conversion = bandConversion(metadata, band, product, type);
      expect(conversion.quantity).toBe(quantity);
      const source = path.join(fixtureSceneDir(scene), bandFile(metadata, band));
      const virtual = conversionVrt(source, conversion);
      let values: number[];
      try {
        values = read(virtual.path);
      } finally {
        virtual.release();
      }
      const dns = read(source);
      const expected = EXPECTED[formula]!(mtl, band.slice(1));
      const unscale = conversion.unscale ?? { scale: 1, offset: 0 };
      let fill = 0;
      let worst = 0;
      for (let i = 0; i < dns.length; i++) {
        if (dns[i] === 0) {
          fill++;
          if (values[i] !== conversion.nodata) throw new Error(`fill pixel ${i} became ${values[i]}`);
          continue;
        }
        const want = expected(dns[i]!);
        const got = values[i]! * unscale.scale + unscale.offset;
        // Float32 keeps ~7 digits; Int16 reflectance is rounded to the nearest 1e-4 (from a Float32 value, so
        // half a quantum plus Float32's rounding of values up to ~1.6e4).
        const error =
          type === "int16" && (quantity === "toa" || quantity === "sr")
            ? Math.abs(got - want) / (0.5e-4 + 2e-7)
            : Math.abs(got - want) / Math.max(Math.abs(want), 1e-3) / 1e-6;
        worst = Math.max(worst, error);
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(fill).toBeGreaterThan(0);
      expect(dns.length - fill).toBeGreaterThan(1000);
    });
  },
);

describe("products a scene cannot give", () => {
  it.each([
    [SCENES.l1, "B4", "sr", /product sr cannot be made from a L1TP scene \(it gives dn, radiance, toa\)/],
    [SCENES.l2, "B4", "toa", /product toa cannot be made from a L2SP scene \(it gives dn, sr\)/],
    [SCENES.l2, "B4", "radiance", /product radiance cannot be made from a L2SP scene/],
  ] as const)("%s %s %s is a clear error", async (scene, band, product, message) => {
    const metadata = readLandsatMetadata(await readMtl(fixtureSceneDir(scene), scene.id));
    expect(() => bandConversion(metadata, band, product, "int16")).toThrow(ProductError);
    expect(() => bandConversion(metadata, band, product, "int16")).toThrow(message);
  });
});
