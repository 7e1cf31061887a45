import { fieldPath } from "../../common/zod-issues.js";
import { Sentinel2MetadataError } from "./sentinel2-metadata-error.js";
import { Sentinel2MetadataSchema, type Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import type { Sentinel2ProductSource } from "./sentinel2-product-source.js";
import { PRODUCT_MTD, readProductMtd } from "./sentinel2-product-mtd.js";
import type { Sentinel2SceneId } from "./sentinel2-scene-id.js";
import { readTileMtd } from "./sentinel2-tile-mtd.js";

// A Sentinel-2 product's metadata from its two XML files (product MTD and the granule's MTD_TL), read from a
// folder or a zip alike, checked against the id the product was asked for, and validated as one model.

/** Reads and validates the product's metadata; any fault throws a Sentinel2MetadataError naming file and element. */
export async function readSentinel2Metadata(
  source: Sentinel2ProductSource,
  scene: Sentinel2SceneId,
): Promise<Sentinel2Metadata> {
  const productFile = PRODUCT_MTD[scene.level];
  const { images, ...product } = readProductMtd(await source.readText(productFile), scene.level);
  if (product.productId !== scene.id) {
    throw new Sentinel2MetadataError(
      `${productFile}: PRODUCT_URI names ${product.productId}, not ${scene.id}`,
    );
  }
  const tileFile = `${images.granuleDir}/MTD_TL.xml`;
  const tile = readTileMtd(await source.readText(tileFile), tileFile, product.processingBaseline);
  if (tile.tileId !== scene.tile) {
    throw new Sentinel2MetadataError(`${tileFile}: TILE_ID is for tile ${tile.tileId}, not ${scene.tile}`);
  }
  if (tile.epsg % 100 !== Number(scene.utmZone)) {
    throw new Sentinel2MetadataError(
      `${tileFile}: HORIZONTAL_CS_CODE EPSG:${tile.epsg} is not UTM zone ${scene.utmZone}`,
    );
  }
  const parsed = Sentinel2MetadataSchema.safeParse({ ...product, ...tile, ...images });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]);
    const [file, element] =
      field in TILE_ELEMENTS ? [tileFile, TILE_ELEMENTS[field]] : [productFile, PRODUCT_ELEMENTS[field]];
    throw new Sentinel2MetadataError(
      `${file}: <${element ?? field}> is invalid (${fieldPath(issue.path)}: ${issue.message})`,
    );
  }
  return parsed.data;
}

/** Where each model field comes from, for the checks only the whole model makes (ranges, shapes). */
const PRODUCT_ELEMENTS: Readonly<Record<string, string>> = {
  productId: "General_Info/Product_Info/PRODUCT_URI",
  processingBaseline: "General_Info/Product_Info/PROCESSING_BASELINE",
  orbit: "General_Info/Product_Info/Datatake/SENSING_ORBIT_NUMBER",
  nodata: "General_Info/Product_Image_Characteristics/Special_Values",
  saturated: "General_Info/Product_Image_Characteristics/Special_Values",
  footprint: "Geometric_Info/Product_Footprint/Product_Footprint/Global_Footprint/EXT_POS_LIST",
  granuleDir: "General_Info/Product_Info/Product_Organisation/Granule_List/Granule/IMAGE_FILE",
  bandFiles: "General_Info/Product_Info/Product_Organisation/Granule_List/Granule/IMAGE_FILE",
  sclFiles: "General_Info/Product_Info/Product_Organisation/Granule_List/Granule/IMAGE_FILE",
};
const TILE_ELEMENTS: Readonly<Record<string, string>> = {
  tileId: "General_Info/TILE_ID",
  tileSensingTime: "General_Info/SENSING_TIME",
  epsg: "Geometric_Info/Tile_Geocoding/HORIZONTAL_CS_CODE",
  sunZenith: "Geometric_Info/Tile_Angles/Mean_Sun_Angle/ZENITH_ANGLE",
  sunAzimuth: "Geometric_Info/Tile_Angles/Mean_Sun_Angle/AZIMUTH_ANGLE",
  classificationMaskFile: "Quality_Indicators_Info/Pixel_Level_QI/MASK_FILENAME",
};
