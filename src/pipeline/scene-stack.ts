import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { writeFileAtomic } from "../common/atomic-write.js";
import { describeVrtBand } from "./describe-vrt-band.js";
import type { SceneOutput } from "./scene-output.js";

// A multi-band VRT per scene (<scene_id>_stack.vrt beside its bands), so a user opens one file in QGIS or a
// notebook and gets every band, named and scaled. It needs the bands on one extent (resamp_clip).

export async function writeSceneStack(
  sceneOut: string,
  sceneId: string,
  outputs: readonly SceneOutput[],
): Promise<string> {
  const target = path.join(sceneOut, `${sceneId}_stack.vrt`);
  const built = `${target}.partial.vrt`;
  const sources = outputs.map((o) => path.join(sceneOut, path.basename(o.file)));
  const stack = await gdal.buildVRTAsync(built, sources, ["-separate"]);
  stack.close();
  let xml = await fs.readFile(built, "utf8");
  await fs.rm(built, { force: true });
  // Name sources relative to the stack, so it works wherever the folder is published or copied.
  xml = xml.replaceAll(`relativeToVRT="0">${sceneOut}${path.sep}`, `relativeToVRT="1">`);
  outputs.forEach((output, index) => {
    xml = describeVrtBand(xml, index + 1, output.conversion);
  });
  await writeFileAtomic(target, xml);
  return target;
}
