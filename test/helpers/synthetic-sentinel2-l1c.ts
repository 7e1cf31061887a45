import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";

// A made-up Sentinel-2 L1C .SAFE with known pixels (no real L1C product is among the fixtures): MTD_MSIL1C.xml and
// MTD_TL.xml shaped like ESA's (cut to the elements the service reads), band files and, from baseline 04.00,
// QI_DATA/MSK_CLASSI_B00.jp2; before it, a GML cloud mask is listed instead. Rasters are GeoTIFFs named .jp2, as in
// GDAL's own fake products. The tile is T34UCF's corner, 600 m square: 60 x 60 pixels at 10 m, 30 x 30 at 20 m,
// 10 x 10 at 60 m, all from the same upper-left corner.

export const SYNTHETIC_L1C_EPSG = 32634;
export const SYNTHETIC_L1C_ORIGIN = [300_000, 6_100_020] as const;
/** Side of the tile in metres. */
export const SYNTHETIC_L1C_SIDE = 600;
export const SYNTHETIC_L1C_OFFSET = -1000;

const RESOLUTIONS = { B01: 60, B02: 10, B03: 10, B04: 10, B8A: 20, B11: 20 } as const;
export type SyntheticBand = keyof typeof RESOLUTIONS;
const BAND_IDS: Readonly<Record<SyntheticBand, number>> = { B01: 0, B02: 1, B03: 2, B04: 3, B8A: 8, B11: 11 };

export interface SyntheticL1cOptions {
  /** "05.09": offsets and MSK_CLASSI; "03.01": neither, a GML cloud mask listed. */
  readonly baseline: string;
  /** Each band to write and its DN at pixel (column, row) of its own grid. */
  readonly bands: Partial<Record<SyntheticBand, (x: number, y: number) => number>>;
  /** MSK_CLASSI at 60 m: [opaque clouds, cirrus, snow], each 0 or 1, at cell (column, row); baseline 04.00 on. */
  readonly classification?: ((x: number, y: number) => readonly [number, number, number]) | undefined;
  /** How many bands MSK_CLASSI_B00 gets (3 unless a test breaks it). */
  readonly classificationBands?: number | undefined;
}

export interface SyntheticL1c {
  readonly id: string;
  /** The .SAFE folder. */
  readonly safe: string;
  /** GRANULE/<granule>, relative to the SAFE. */
  readonly granule: string;
  /** Each written band's file, relative to the SAFE. */
  readonly bandFiles: Partial<Record<SyntheticBand, string>>;
  /** MSK_CLASSI_B00.jp2 relative to the SAFE, when written. */
  readonly classificationMask: string | undefined;
}

/** Writes the product into `dir` and says where its parts are. */
export async function writeSyntheticL1c(dir: string, options: SyntheticL1cOptions): Promise<SyntheticL1c> {
  const baselineCode = options.baseline.replace(".", "");
  const id = `S2B_MSIL1C_20230823T095559_N${baselineCode}_R122_T34UCF_20230823T120234`;
  const safe = path.join(dir, `${id}.SAFE`);
  const granule = "GRANULE/L1C_T34UCF_A033753_20230823T095553";
  const modern = Number(options.baseline) >= 4;
  await fs.mkdir(path.join(safe, granule, "IMG_DATA"), { recursive: true });
  await fs.mkdir(path.join(safe, granule, "QI_DATA"), { recursive: true });
  const bandFiles: Partial<Record<SyntheticBand, string>> = {};
  for (const [band, dn] of Object.entries(options.bands) as [
    SyntheticBand,
    (x: number, y: number) => number,
  ][]) {
    const file = `${granule}/IMG_DATA/T34UCF_20230823T095559_${band}.jp2`;
    writeRaster(path.join(safe, file), RESOLUTIONS[band], gdal.GDT_UInt16, [dn]);
    bandFiles[band] = file;
  }
  let classificationMask: string | undefined;
  if (modern && options.classification !== undefined) {
    const classes = options.classification;
    classificationMask = `${granule}/QI_DATA/MSK_CLASSI_B00.jp2`;
    const layers = Array.from(
      { length: options.classificationBands ?? 3 },
      (_, b) => (x: number, y: number) => classes(x, y)[b] ?? 0,
    );
    writeRaster(path.join(safe, classificationMask), 60, gdal.GDT_Byte, layers);
  }
  const listed = Object.keys(bandFiles).map((band) => `${granule}/IMG_DATA/T34UCF_20230823T095559_${band}`);
  await fs.writeFile(path.join(safe, "MTD_MSIL1C.xml"), productMtd(id, options.baseline, listed, modern));
  await fs.writeFile(
    path.join(safe, granule, "MTD_TL.xml"),
    tileMtd(options.baseline, modern ? `${granule}/QI_DATA/MSK_CLASSI_B00.jp2` : undefined, granule),
  );
  return { id, safe, granule, bandFiles, classificationMask };
}

function writeRaster(
  file: string,
  resolution: number,
  type: string,
  layers: readonly ((x: number, y: number) => number)[],
): void {
  const size = SYNTHETIC_L1C_SIDE / resolution;
  const dataset = gdal.open(file, "w", "GTiff", size, size, layers.length, type);
  try {
    dataset.srs = gdal.SpatialReference.fromEPSG(SYNTHETIC_L1C_EPSG);
    dataset.geoTransform = [SYNTHETIC_L1C_ORIGIN[0], resolution, 0, SYNTHETIC_L1C_ORIGIN[1], 0, -resolution];
    layers.forEach((value, i) => {
      const pixels = type === gdal.GDT_Byte ? new Uint8Array(size * size) : new Uint16Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) pixels[y * size + x] = value(x, y);
      dataset.bands.get(i + 1).pixels.write(0, 0, size, size, pixels);
    });
  } finally {
    dataset.close();
  }
}

function productMtd(id: string, baseline: string, files: readonly string[], offsets: boolean): string {
  const offsetList = offsets
    ? `<Radiometric_Offset_List>${Array.from({ length: 13 }, (_, i) => `<RADIO_ADD_OFFSET band_id="${i}">${SYNTHETIC_L1C_OFFSET}</RADIO_ADD_OFFSET>`).join("")}</Radiometric_Offset_List>`
    : "";
  const spectral = Object.entries(BAND_IDS)
    .map(
      ([band, bandId]) =>
        `<Spectral_Information bandId="${bandId}" physicalBand="${band.replace(/^B0/, "B")}"><RESOLUTION>${RESOLUTIONS[band as SyntheticBand]}</RESOLUTION></Spectral_Information>`,
    )
    .join("\n        ");
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<n1:Level-1C_User_Product xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-1C.xsd">
  <n1:General_Info>
    <Product_Info>
      <PRODUCT_START_TIME>2023-08-23T09:55:59.024Z</PRODUCT_START_TIME>
      <PRODUCT_URI>${id}.SAFE</PRODUCT_URI>
      <PROCESSING_LEVEL>Level-1C</PROCESSING_LEVEL>
      <PROCESSING_BASELINE>${baseline}</PROCESSING_BASELINE>
      <GENERATION_TIME>2023-08-23T12:02:34.000000Z</GENERATION_TIME>
      <Datatake datatakeIdentifier="GS2B_20230823T095559_033753_N${baseline}">
        <SPACECRAFT_NAME>Sentinel-2B</SPACECRAFT_NAME>
        <SENSING_ORBIT_NUMBER>122</SENSING_ORBIT_NUMBER>
        <SENSING_ORBIT_DIRECTION>DESCENDING</SENSING_ORBIT_DIRECTION>
      </Datatake>
      <Product_Organisation><Granule_List><Granule imageFormat="JPEG2000">
        ${files.map((f) => `<IMAGE_FILE>${f}</IMAGE_FILE>`).join("\n        ")}
      </Granule></Granule_List></Product_Organisation>
    </Product_Info>
    <Product_Image_Characteristics>
      <Special_Values><SPECIAL_VALUE_TEXT>NODATA</SPECIAL_VALUE_TEXT><SPECIAL_VALUE_INDEX>0</SPECIAL_VALUE_INDEX></Special_Values>
      <Special_Values><SPECIAL_VALUE_TEXT>SATURATED</SPECIAL_VALUE_TEXT><SPECIAL_VALUE_INDEX>65535</SPECIAL_VALUE_INDEX></Special_Values>
      <QUANTIFICATION_VALUE unit="none">10000</QUANTIFICATION_VALUE>
      ${offsetList}
      <Spectral_Information_List>
        ${spectral}
      </Spectral_Information_List>
    </Product_Image_Characteristics>
  </n1:General_Info>
  <n1:Geometric_Info><Product_Footprint><Product_Footprint><Global_Footprint>
    <EXT_POS_LIST>55.02 18.0 55.02 18.01 55.01 18.01 55.01 18.0 55.02 18.0</EXT_POS_LIST>
  </Global_Footprint></Product_Footprint></Product_Footprint></n1:Geometric_Info>
  <n1:Quality_Indicators_Info><Cloud_Coverage_Assessment>12.5</Cloud_Coverage_Assessment></n1:Quality_Indicators_Info>
</n1:Level-1C_User_Product>`;
}

function tileMtd(baseline: string, classificationMask: string | undefined, granule: string): string {
  const masks =
    classificationMask === undefined
      ? `<MASK_FILENAME type="MSK_CLOUDS">${granule}/QI_DATA/MSK_CLOUDS_B00.gml</MASK_FILENAME>`
      : `<MASK_FILENAME bandId="1" type="MSK_DETFOO">${granule}/QI_DATA/MSK_DETFOO_B02.jp2</MASK_FILENAME>
      <MASK_FILENAME type="MSK_CLASSI">${classificationMask}</MASK_FILENAME>`;
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<n1:Level-1C_Tile_ID xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/S2_PDI_Level-1C_Tile_Metadata.xsd">
  <n1:General_Info>
    <TILE_ID metadataLevel="Brief">S2B_OPER_MSI_L1C_TL_2BPS_20230823T120234_A033753_T34UCF_N${baseline}</TILE_ID>
    <SENSING_TIME metadataLevel="Standard">2023-08-23T10:05:35.271949Z</SENSING_TIME>
  </n1:General_Info>
  <n1:Geometric_Info>
    <Tile_Geocoding metadataLevel="Brief">
      <HORIZONTAL_CS_CODE>EPSG:${SYNTHETIC_L1C_EPSG}</HORIZONTAL_CS_CODE>
    </Tile_Geocoding>
    <Tile_Angles metadataLevel="Standard">
      <Mean_Sun_Angle>
        <ZENITH_ANGLE unit="deg">43.88</ZENITH_ANGLE>
        <AZIMUTH_ANGLE unit="deg">165.03</AZIMUTH_ANGLE>
      </Mean_Sun_Angle>
    </Tile_Angles>
  </n1:Geometric_Info>
  <n1:Quality_Indicators_Info metadataLevel="Standard">
    <Pixel_Level_QI geometry="FULL_RESOLUTION">
      ${masks}
    </Pixel_Level_QI>
  </n1:Quality_Indicators_Info>
</n1:Level-1C_Tile_ID>`;
}
