// Parse a Mermaid file with Mermaid's own parser (jsdom stands in for the browser it expects).
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ["DOMParser", "Element", "HTMLElement", "Node", "navigator"]) {
  if (!(key in globalThis)) globalThis[key] = dom.window[key];
}
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const text = readFileSync(process.argv[2], "utf8");
try {
  const result = await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const vertices = db.getVertices ? db.getVertices() : new Map();
  const edges = db.getEdges ? db.getEdges() : [];
  const count = vertices.size ?? Object.keys(vertices).length;
  console.log(JSON.stringify({ type: result.diagramType, nodes: count, edges: edges.length }));
} catch (error) {
  console.error(String(error.message || error).split("\n")[0]);
  process.exit(1);
}
