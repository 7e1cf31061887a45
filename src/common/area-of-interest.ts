import { z } from "zod";

// The optional area of interest of a job: a GeoJSON Polygon or MultiPolygon in EPSG:4326 (longitude,
// latitude), or a bbox [west, south, east, north]. Outputs are cut to it, still on the job grid.

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const Ring = z
  .array(Position)
  .min(4, "a ring needs at least 4 positions")
  .refine((ring) => {
    const first = ring[0]!;
    const last = ring[ring.length - 1]!;
    return first[0] === last[0] && first[1] === last[1];
  }, "a ring must end where it starts");

export const ClipSchema = z.union([
  z.strictObject({ type: z.literal("Polygon"), coordinates: z.array(Ring).min(1) }),
  z.strictObject({ type: z.literal("MultiPolygon"), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
  z
    .tuple([
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
    ])
    .refine(
      ([w, s, e, n]) => w < e && s < n,
      "a bbox is [west, south, east, north] with west < east and south < north",
    ),
]);
export type Clip = z.infer<typeof ClipSchema>;

/** The clip as a GeoJSON geometry (a bbox becomes its rectangle). */
export function clipGeometry(clip: Clip): { type: "Polygon" | "MultiPolygon"; coordinates: unknown } {
  if (!Array.isArray(clip)) return clip;
  const [w, s, e, n] = clip;
  return {
    type: "Polygon",
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}
