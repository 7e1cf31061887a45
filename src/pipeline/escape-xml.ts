/** Text made safe for an XML element or attribute (the VRTs the pipeline writes). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
