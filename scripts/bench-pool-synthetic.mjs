// The full-size synthetic Landsat scene of bench-pipeline.mjs and bench-pool.mjs, in one cache folder
// (.cache/bench/<scene id>/, done when .complete is there), so whichever bench runs first makes it and the other
// reuses it.
import fs from "node:fs";
import path from "node:path";
import gdal from "gdal-async";

export const SYNTHETIC_SCENE = { id: "LC08_L2SP_015028_20200814_20200822_02_T1", path: "015", row: "028" };
export const SYNTHETIC_BANDS = ["B2", "B3", "B4"];
const FIXTURE = "LC08_L2SP_017036_20130419_20200913_02_T2";
export const SYNTHETIC_SIZE = [7791, 7951];
const [WIDTH, HEIGHT] = SYNTHETIC_SIZE;

/** The scene's folder under `cache`, generated once: a UInt16 SR scene 7791 x 7951 px at 30 m with a real MTL. */
export function syntheticLandsatScene(repo, cache) {
  const sceneDir = path.join(cache, SYNTHETIC_SCENE.id);
  const done = path.join(sceneDir, ".complete");
  if (fs.existsSync(done)) return sceneDir;
  fs.rmSync(sceneDir, { recursive: true, force: true });
  fs.mkdirSync(sceneDir, { recursive: true });
  process.stderr.write(`generating the synthetic scene in ${path.relative(repo, sceneDir)} (once)\n`);
  const fixtureMtl = path.join(
    repo,
    "examples",
    "storage",
    "l8-l2a-products",
    "tiles",
    "017",
    "036",
    FIXTURE,
    `${FIXTURE}_MTL.txt`,
  );
  fs.writeFileSync(
    path.join(sceneDir, `${SYNTHETIC_SCENE.id}_MTL.txt`),
    fs.readFileSync(fixtureMtl, "utf8").replaceAll(FIXTURE, SYNTHETIC_SCENE.id),
  );
  const srs = gdal.SpatialReference.fromEPSG(32618); // UTM 18N, around Ottawa
  const [x0, y0] = [330_000, 5_100_000];
  const tilt = (12 * Math.PI) / 180;
  const [cx, cy] = [WIDTH / 2, HEIGHT / 2];
  const inside = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = dx * Math.cos(tilt) + dy * Math.sin(tilt);
    const v = -dx * Math.sin(tilt) + dy * Math.cos(tilt);
    return Math.abs(u) < WIDTH * 0.4 && Math.abs(v) < HEIGHT * 0.4;
  };
  let seed = 42;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.5) * 800;
  for (const [b, band] of SYNTHETIC_BANDS.entries()) {
    const file = path.join(sceneDir, `${SYNTHETIC_SCENE.id}_SR_${band}.TIF`);
    const ds = gdal.open(file, "w", "GTiff", WIDTH, HEIGHT, 1, gdal.GDT_UInt16, [
      "TILED=YES",
      "COMPRESS=DEFLATE",
      "PREDICTOR=2",
    ]);
    ds.srs = srs;
    ds.geoTransform = [x0, 30, 0, y0, 0, -30];
    const out = ds.bands.get(1);
    out.noDataValue = 0;
    const strip = 256;
    const buffer = new Uint16Array(WIDTH * strip);
    for (let top = 0; top < HEIGHT; top += strip) {
      const rowsHere = Math.min(strip, HEIGHT - top);
      for (let r = 0; r < rowsHere; r++) {
        const y = top + r;
        for (let x = 0; x < WIDTH; x++) {
          const field =
            9000 + 2500 * Math.sin(x / 97 + b) * Math.cos(y / 131) + 1200 * Math.sin((x + 2 * y) / 23);
          buffer[r * WIDTH + x] = inside(x, y)
            ? Math.max(1, Math.min(65_535, Math.round(field + noise())))
            : 0;
        }
      }
      out.pixels.write(0, top, WIDTH, rowsHere, buffer.subarray(0, WIDTH * rowsHere));
    }
    ds.close();
  }
  fs.writeFileSync(done, new Date().toISOString());
  return sceneDir;
}
