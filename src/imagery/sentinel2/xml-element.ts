import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { z } from "zod";
import { Sentinel2MetadataError } from "./sentinel2-metadata-error.js";

// A parsed XML metadata file walked element by element, every value read through a zod schema, so whatever is
// missing or malformed fails with the file and the element path: `MTD_MSIL2A.xml: <General_Info/...> is ...`.

interface RawElement {
  readonly [key: string]: string | readonly RawElement[];
}

const TEXT = "#text";
const ATTRIBUTE = "@_";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  trimValues: true,
  // Every element as an array, so one element and many read the same way.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

export class XmlElement {
  private constructor(
    private readonly raw: RawElement,
    /** The file, as messages name it (relative to the product). */
    readonly file: string,
    /** Element path from below the root, e.g. General_Info/Product_Info. */
    readonly path: string,
  ) {}

  /** The document element of an XML text; malformed XML throws naming the file, line and column. */
  static parse(text: string, file: string): XmlElement {
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      const { msg, line, col } = valid.err;
      throw new Sentinel2MetadataError(
        `${file} is not well-formed XML (line ${line}, column ${col}): ${msg}`,
      );
    }
    const document = parser.parse(text) as RawElement;
    const rootName = Object.keys(document).find((key) => !key.startsWith("?"));
    const root = rootName === undefined ? undefined : (document[rootName] as readonly RawElement[])[0];
    if (root === undefined) throw new Sentinel2MetadataError(`${file} has no document element`);
    return new XmlElement(root, file, "");
  }

  /** Every child element of that name, in document order. */
  children(name: string): XmlElement[] {
    const value = this.raw[name];
    if (value === undefined || typeof value === "string") return [];
    return value.map(
      (raw) => new XmlElement(raw, this.file, this.path === "" ? name : `${this.path}/${name}`),
    );
  }

  /** The first element down a slash-separated path, if there is one. */
  find(path: string): XmlElement | undefined {
    return path
      .split("/")
      .reduce<XmlElement | undefined>((element, name) => element?.children(name)[0], this);
  }

  /** The first element down a path; a missing one throws naming it. */
  get(path: string): XmlElement {
    const element = this.find(path);
    if (element === undefined) throw this.error(`no <${this.join(path)}>`);
    return element;
  }

  /** The element's own text, trimmed. */
  text(): string {
    const text = this.raw[TEXT];
    return typeof text === "string" ? text : "";
  }

  attribute(name: string): string | undefined {
    const value = this.raw[`${ATTRIBUTE}${name}`];
    return typeof value === "string" ? value : undefined;
  }

  /** The element's text through a schema; invalid text throws naming the element. */
  value<T>(schema: z.ZodType<T, string>): T {
    return this.parseWith(schema, this.text(), `<${this.path}>`);
  }

  /** An attribute through a schema; a missing or invalid one throws naming it. */
  attributeValue<T>(name: string, schema: z.ZodType<T, string>): T {
    const text = this.attribute(name);
    if (text === undefined) throw this.error(`<${this.path}> has no ${name} attribute`);
    return this.parseWith(schema, text, `<${this.path}> attribute ${name}`);
  }

  /** A Sentinel2MetadataError naming the file: `<file>: <message>`. */
  error(message: string): Sentinel2MetadataError {
    return new Sentinel2MetadataError(`${this.file}: ${message}`);
  }

  private parseWith<T>(schema: z.ZodType<T, string>, text: string, what: string): T {
    const parsed = schema.safeParse(text);
    if (parsed.success) return parsed.data;
    throw this.error(`${what} ${parsed.error.issues[0]?.message ?? "is invalid"}: ${JSON.stringify(text)}`);
  }

  private join(path: string): string {
    return this.path === "" ? path : `${this.path}/${path}`;
  }
}
