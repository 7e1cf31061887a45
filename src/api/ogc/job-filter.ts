import type { StatusDocument } from "../../jobs/status-document.js";
import type { JobListQuery } from "./job-list-query.js";
import { parseInterval } from "./ogc-values.js";

/**
 * The OGC job list's filters as a test on a job: process, status, creation time (datetime, an instant or an
 * interval) and duration in seconds (minDuration, maxDuration; a job that has not started has none, and one
 * still running has lasted until `now`). A bad datetime is a 400 naming it.
 */
export function jobFilter(query: JobListQuery, now: number): (doc: StatusDocument) => boolean {
  const interval = query.datetime === undefined ? undefined : parseInterval(query.datetime);
  const { processID, status, minDuration, maxDuration } = query;
  return (doc) => {
    if (processID !== undefined && !processID.includes(doc.processID)) return false;
    if (status !== undefined && !status.includes(doc.status)) return false;
    if (interval !== undefined && !interval(Date.parse(doc.created))) return false;
    if (minDuration === undefined && maxDuration === undefined) return true;
    if (doc.started === undefined) return false;
    const end = doc.finished === undefined ? now : Date.parse(doc.finished);
    const seconds = (end - Date.parse(doc.started)) / 1000;
    return (
      !(minDuration !== undefined && seconds < minDuration) &&
      !(maxDuration !== undefined && seconds > maxDuration)
    );
  };
}
