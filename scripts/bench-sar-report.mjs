// What ./dev bench sar prints under a sensor's table: the pipeline's stages, and its ratios to the baseline.

/** The pipeline's stages, with calibration and filtering split by the run without a filter. */
export function printStages(pipelineRun, calibrateRun) {
  const prepare = stage(pipelineRun, "calibrate + gamma filter");
  const calibration = stage(calibrateRun, "calibrate");
  const rows = pipelineRun.stages.flatMap((s) =>
    s === prepare
      ? [
          s,
          { ...calibration, name: "  of which calibrate (no-filter run)" },
          {
            name: "  of which filter (difference)",
            wall: prepare.wall - calibration.wall,
            cpu: prepare.cpu - calibration.cpu,
          },
        ]
      : [s],
  );
  const timed = pipelineRun.stages.reduce((sum, s) => ({ wall: sum.wall + s.wall, cpu: sum.cpu + s.cpu }), {
    wall: 0,
    cpu: 0,
  });
  const { total } = pipelineRun;
  rows.push({
    name: "other (extents, stack, clean-up)",
    wall: total.wall - timed.wall,
    cpu: total.cpu - timed.cpu,
  });
  rows.push({ name: "total (in process)", ...total });
  console.log(`\npipeline stages, both polarisations`);
  console.log(
    `${"stage".padEnd(36)}${"wall s".padStart(9)}${"cpu s".padStart(9)}${"RSS peak so far GiB".padStart(21)}`,
  );
  for (const r of rows) {
    const rss = r.peakRssKb === undefined ? "" : (r.peakRssKb / 1024 / 1024).toFixed(2);
    console.log(
      `${r.name.padEnd(36)}${r.wall.toFixed(1).padStart(9)}${r.cpu.toFixed(1).padStart(9)}${rss.padStart(21)}`,
    );
  }
}

/**
 * The pipeline against the baseline, whole and like for like (the stages that do what the baseline does, as the
 * sensor's bench names them), and its peak RSS against the 2 GiB target.
 */
export function printRatios(bench, pipeline, calibrate, baseline) {
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(
    `ratio pipeline / baseline: wall ${ratio(pipeline.figures.wall, baseline.wall)}, ` +
      `cpu ${ratio(pipeline.figures.cpu, baseline.cpu)}, peak RSS ${ratio(pipeline.figures.maxRssKb, baseline.maxRssKb)}`,
  );
  const likeForLike = bench.likeForLike.stages.map((name) => stage(calibrate, name) ?? stage(pipeline, name));
  const sum = (key) => likeForLike.reduce((total, s) => total + s[key], 0);
  const steps = likeForLike.length === 1 ? "the step gdalwarp takes" : "the steps gdalwarp takes";
  console.log(
    `ratio ${bench.likeForLike.what} / baseline, ${steps}: ` +
      `wall ${ratio(sum("wall"), baseline.wall)}, cpu ${ratio(sum("cpu"), baseline.cpu)}`,
  );
  const peakGiB = pipeline.figures.maxRssKb / 1024 / 1024;
  console.log(
    `pipeline peak RSS ${peakGiB.toFixed(2)} GiB: ${peakGiB <= 2 ? "within" : "ABOVE"} the 2 GiB target`,
  );
}

function stage(runReport, name) {
  return runReport.stages.find((s) => s.name === name);
}
