// Where ./dev bench sar's synthetic products lie: centred on a point, as big as their pixels at their spacing.

/** A footprint of samples x lines at `spacing` metres, centred on a point (degrees). */
export function footprintAround(lat, lon, samples, lines, spacing) {
  const metresPerDegree = 111_320;
  const halfLat = ((lines - 1) * spacing) / 2 / metresPerDegree;
  const halfLon = ((samples - 1) * spacing) / 2 / (metresPerDegree * Math.cos((lat * Math.PI) / 180));
  return { north: lat + halfLat, south: lat - halfLat, west: lon - halfLon, east: lon + halfLon };
}
