/**
 * The sample workload's handler code (what the application team would ship in its artifact). Kept tiny and
 * dependency-free so that the workload stack needs no build step of its own; settings come from environment
 * variables set by the workload stack from the environment's `config`.
 */
export const WORKLOAD_HANDLER_SOURCE = `"use strict";
const LEVELS = ["debug", "info", "warn", "error"];
const threshold = LEVELS.indexOf(process.env.LOG_LEVEL || "info");
function log(level, message, fields) {
  if (LEVELS.indexOf(level) >= threshold) console.log(JSON.stringify({ level, message, ...fields }));
}
exports.handler = async (event) => {
  log("debug", "request", { path: event && event.rawPath });
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: process.env.GREETING, environment: process.env.FLEET_ENVIRONMENT, version: process.env.APP_VERSION }),
  };
};
`;
