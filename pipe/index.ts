// Entry of the pipe image (pipe/Dockerfile: node /opt/pipe/dist/pipe/index.js). Everything is in run().
import { run } from "./run";

void run().then((code) => {
  process.exitCode = code;
});
