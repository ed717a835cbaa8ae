/**
 * The reference backend: pure TypeScript over typed arrays. Complete (every kernel, every dtype) and
 * written for clarity; it is the specification other backends are tested against.
 */
import type { DType, TypedArray } from "../../dtype.js";
import { allocArray } from "../../dtype.js";
import type { Backend } from "../backend.js";
import { sizeOf } from "../../shape.js";
import { assign, binary, copy, unary, where } from "./elementwise.js";
import { cat, gather, scatterAdd } from "./indexing.js";
import { linear } from "./linear.js";
import { bceLoss, bceLossBackward, crossEntropyLoss, crossEntropyLossBackward } from "./losses.js";
import { matmul } from "./matmul.js";
import { optimizerStep } from "./optim.js";
import { reduce } from "./reduce.js";
import { gatherView, TsStorage, type TsView } from "./storage.js";

export { TsStorage } from "./storage.js";

export class TsBackend implements Backend<TsStorage> {
  readonly name = "ts";

  fromArray(data: TypedArray, dtype: DType): TsStorage {
    const same = allocArray(dtype, 0).constructor === data.constructor;
    if (same) return new TsStorage(data, dtype);
    const arr = allocArray(dtype, data.length);
    for (let i = 0; i < data.length; i++) arr[i] = dtype === "bool" ? (data[i] ? 1 : 0) : data[i]!;
    return new TsStorage(arr, dtype);
  }

  read(x: TsView): TypedArray {
    return gatherView(x, allocArray(x.storage.dtype, sizeOf(x.shape)));
  }

  readAsync(x: TsView): Promise<TypedArray> {
    return Promise.resolve(this.read(x));
  }

  dispose(_s: TsStorage): void {
    // The garbage collector owns typed arrays.
  }

  readonly kernels = {
    unary, binary, where, reduce, matmul, linear, copy, gather, scatterAdd, cat, assign, optimizerStep,
    bceLoss, bceLossBackward, crossEntropyLoss, crossEntropyLossBackward,
  };
}
