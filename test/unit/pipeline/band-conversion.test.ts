import { describe, expect, it } from "vitest";
import { backscatter, FLOAT32_NODATA } from "../../../src/pipeline/band-conversion.js";

// Radar backscatter is resampled as linear power; amplitude and dB are made from the warped power.

describe("backscatter", () => {
  it("keeps power as it is, names the file part and stores Float32 with nodata", () => {
    const pow = backscatter("HH", "sigma0", "pow");
    expect(pow).toMatchObject({
      quantity: "sigma0",
      name: "sigma0_pow",
      units: "1",
      dataType: "Float32",
      nodata: FLOAT32_NODATA,
      linear: undefined,
      afterWarp: undefined,
    });
  });

  it("makes dB as 10 log10 of power and amplitude as its square root, after the warp", () => {
    const dB = backscatter("HV", "gamma0", "dB");
    expect(dB).toMatchObject({ name: "gamma0_db", units: "dB", description: "HV gamma0 backscatter, dB" });
    expect(dB.afterWarp?.(0.1)).toBeCloseTo(-10, 12);
    expect(dB.afterWarp?.(0)).toBe(-Infinity); // the warp's value mapper turns it into nodata
    const amp = backscatter("VV", "beta0", "amp");
    expect(amp.name).toBe("beta0_amp");
    expect(amp.afterWarp?.(0.04)).toBeCloseTo(0.2, 12);
  });
});
