/**
 * Jest `setupFiles` entry: keeps tfjs's Node.js banner out of the test output.
 *
 * On its first tensor in Node, tfjs 4.22's cpu backend (`MathBackendCPU.write` in @tensorflow/tfjs-backend-cpu)
 * prints "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our
 * node backend ...". The tests run cpu (and wasm) on purpose, so the advice is noise in every test file. It goes
 * through `backend_util.warn` (tfjs-core's log.ts), which prints unless the `IS_TEST` or `PROD` flag is set. PROD
 * is the one without side effects in 4.22: IS_TEST also turns on tfjs's per-kernel memory-leak checks, which
 * would change what the tests run. PROD mutes tfjs's other warn/log messages in tests too; production code never
 * sets it, so the worker's output is unchanged.
 */
import * as tf from "@tensorflow/tfjs";

tf.env().set("PROD", true);
