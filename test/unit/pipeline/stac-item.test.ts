import { describe, expect, it } from "vitest";
import { LANDSAT_EO_BANDS } from "../../../src/imagery/landsat/landsat-description.js";
import { STAC_EXTENSIONS, stacItem, type StacAssetInput } from "../../../src/pipeline/stac-item.js";

// The STAC Item built from plain inputs: geometry, bbox, projection, and each asset's eo, raster and file fields.

const asset = (band: StacAssetInput["band"], extra: Partial<StacAssetInput> = {}): StacAssetInput => ({
  band,
  eo: LANDSAT_EO_BANDS[band as keyof typeof LANDSAT_EO_BANDS],
  href: `../preprocess/S/S_${band}_sr.tif`,
  title: `${band} surface reflectance`,
  dataType: "Int16",
  nodata: -32768,
  scale: 1e-4,
  offset: 0,
  unit: "1",
  resolution: 30,
  shape: [100, 200],
  transform: [30, 0, 1000, 0, -30, 2000],
  checksum: "1220" + "ab".repeat(32),
  size: 1234,
  ...extra,
});

const ring: [number, number][] = [
  [-75, 45],
  [-74, 45],
  [-74, 46.5],
  [-75, 46.5],
  [-75, 45],
];

describe("stacItem", () => {
  // As a client reads it: the JSON written to <scene>.stac.json.
  const item = JSON.parse(
    JSON.stringify(
      stacItem({
        id: "S",
        datetime: "2021-07-01T15:00:00Z",
        ring,
        projectionWkt2: "PROJCRS[...]",
        epsg: null,
        platform: "landsat-8",
        instruments: ["oli", "tirs"],
        properties: { "processing:level": "L2SP" },
        assets: [
          asset("B4"),
          asset("B10", {
            dataType: "Float32",
            nodata: -9999,
            scale: undefined,
            offset: undefined,
            unit: "K",
          }),
        ],
      }),
    ),
  );

  it("is a STAC 1.0 Feature with its extensions, footprint and bbox", () => {
    expect(item).toMatchObject({ type: "Feature", stac_version: "1.0.0", id: "S" });
    expect(item.stac_extensions).toEqual([...STAC_EXTENSIONS]);
    expect(item.geometry).toEqual({ type: "Polygon", coordinates: [ring] });
    expect(item.bbox).toEqual([-75, 45, -74, 46.5]);
  });

  it("carries the projection of the first asset and the given properties", () => {
    expect(item.properties).toMatchObject({
      datetime: "2021-07-01T15:00:00Z",
      platform: "landsat-8",
      "proj:epsg": null,
      "proj:wkt2": "PROJCRS[...]",
      "proj:shape": [100, 200],
      "proj:transform": [30, 0, 1000, 0, -30, 2000],
      "processing:level": "L2SP",
    });
  });

  it("describes each asset: eo band with common name, raster scale only where stored scaled, checksum", () => {
    expect(item.assets.B4["eo:bands"]).toEqual([{ name: "B4", common_name: "red", center_wavelength: 0.65 }]);
    expect(item.assets.B4["raster:bands"]).toEqual([
      { data_type: "int16", nodata: -32768, spatial_resolution: 30, unit: "1", scale: 1e-4, offset: 0 },
    ]);
    expect(item.assets.B10["raster:bands"][0]).not.toHaveProperty("scale");
    expect(item.assets.B10["eo:bands"][0].common_name).toBe("lwir11");
    expect(item.assets.B4).toMatchObject({
      type: "image/tiff; application=geotiff; profile=cloud-optimized",
      roles: ["data"],
      "file:size": 1234,
      "file:checksum": "1220" + "ab".repeat(32),
    });
  });
});

describe("stacItem for a band outside the optical spectrum", () => {
  it("gives the asset no eo:bands", () => {
    const item = JSON.parse(
      JSON.stringify(
        stacItem({
          id: "R",
          datetime: "2021-07-01T15:00:00Z",
          ring,
          projectionWkt2: "PROJCRS[...]",
          epsg: null,
          platform: "radarsat-2",
          instruments: ["c-sar"],
          properties: {},
          assets: [asset("HH", { eo: undefined })],
        }),
      ),
    );
    expect(item.assets.HH).not.toHaveProperty("eo:bands");
    expect(item.properties.instruments).toEqual(["c-sar"]);
  });
});
