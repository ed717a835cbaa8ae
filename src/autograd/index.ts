/** The `autograd` namespace: custom functions, functional gradients, gradient checks and graph export. */
export { Function, FunctionCtx } from "./function.js";
export { gradients, grad, valueAndGrad, type GradientsOptions } from "./functional.js";
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckMismatch } from "./gradcheck.js";
export { toDot, toMermaid, graphNodes, type GraphNode } from "./graph-export.js";
export { noGrad, enableGrad, isGradEnabled } from "./grad-mode.js";
export type { BackwardOptions } from "./backward.js";
