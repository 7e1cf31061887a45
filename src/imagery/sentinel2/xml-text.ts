import { z } from "zod";

// zod schemas for the text of metadata elements: the XML is parsed without type guessing, so "04.00" stays a
// string and each element says here what it must be. Messages read after the element: `<X> is not a number`.

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export const numberText = z.string().regex(NUMBER, { error: "is not a number" }).transform(Number);

export const integerText = z
  .string()
  .regex(/^[-+]?\d+$/, { error: "is not an integer" })
  .transform(Number);

export const positiveText = numberText.pipe(z.number().positive({ error: "is not a positive number" }));

export const percentText = numberText.pipe(
  z.number().min(0, { error: "is not a percentage" }).max(100, { error: "is not a percentage" }),
);

/** An angle in degrees within [min, max]. */
export const angleText = (min: number, max: number) =>
  numberText.pipe(
    z
      .number()
      .min(min, { error: `is below ${min}°` })
      .max(max, { error: `is above ${max}°` }),
  );

/** A UTC timestamp as the metadata writes it (2022-10-05T11:54:11.024Z, or with microseconds). */
export const timeText = z.iso.datetime({ error: "is not an ISO 8601 UTC time" });

export const nonEmptyText = z.string().min(1, { error: "is empty" });
