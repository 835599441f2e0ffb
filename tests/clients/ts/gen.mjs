// Generates src/schema.d.ts from the merged document with openapi-typescript, files as Blob
// (the documented way: a `transform` for `format: binary`), so an upload's body and a
// download's answer are files, never arrays of numbers. Usage: node gen.mjs <openapi.json>
import fs from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const input = fs.readFileSync(process.argv[2], "utf8");
const ast = await openapiTS(input, {
  transform(schema) {
    if (schema.format === "binary" || schema.contentMediaType) return BLOB;
  },
});
fs.mkdirSync("src", { recursive: true });
fs.writeFileSync("src/schema.d.ts", astToString(ast));
