// Examples shown on the reference page (/docs): a job as the service answers it, and a validation problem.
// A test checks that both validate against the document's own schemas.

export const STATUS_EXAMPLE = {
  jobID: "01a21160-cee8-74a2-a812-6ca01a59edb9",
  processID: "preprocessing",
  type: "process",
  status: "running",
  message: "LC08_L1TP_015028_20200814_20200822_01_T1 B4 done",
  progress: 60,
  created: "2026-11-25T06:00:00.000Z",
  started: "2026-11-25T06:00:01.000Z",
  updated: "2026-11-25T06:00:09.000Z",
  scenes: [
    {
      id: "LC08_L1TP_015028_20200814_20200822_01_T1",
      status: "running",
      message: "Preprocessing",
      outputs: [],
    },
  ],
  links: [
    {
      href: "https://agricarta.example.org/agricarta/preprocessing/01a21160-cee8-74a2-a812-6ca01a59edb9",
      rel: "self",
      type: "application/json",
    },
  ],
};

export const PROBLEM_EXAMPLE = {
  type: "urn:agricarta:problem:invalid-request",
  title: "Invalid request",
  status: 400,
  detail: "The request body is invalid: resolution: must be a positive number of metres",
  errors: [{ field: "resolution", message: "must be a positive number of metres" }],
};
