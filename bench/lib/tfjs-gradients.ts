/**
 * Registers tfjs-core's gradient functions. The full @tensorflow/tfjs package does this; tfjs-core alone
 * does not, and training then fails with "gradient function not found for RealDiv". The module is ES
 * source with directory imports, which Node cannot load directly: it is loaded through the esbuild bundle
 * of the benchmark child (bench/lib/bundle.ts), as bundlers and browsers load TF.js.
 */
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
