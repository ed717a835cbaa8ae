/**
 * nabla's data tools (exposed as `data.*`): datasets and loaders, collation, splits and k-fold,
 * preprocessing, CSV and IDX readers, batch augmentation, and built-in datasets. See docs/data.md.
 */
export { TensorDataset, Subset, asDataset, isDataset, type Dataset } from "./dataset.js";
export { DataLoader, batchIndices, numBatches, type DataLoaderOptions, type DataSource } from "./data-loader.js";
export { defaultCollate, type Collated, type CollateFn } from "./collate.js";
export {
  trainTestSplit, trainTestSplitIndices, trainValidationSplit, kFold, stratifiedKFold, splitSizes, shuffleInPlace,
  type SplitOptions, type Fold, type Labels,
} from "./splits.js";
export * from "./preprocessing/index.js";
export { CsvTokenizer, type CsvRecord } from "./csv-tokenizer.js";
export {
  parseCsv, readCsv, csvRows, csvToTensors, parseNumber, CsvTable, CsvError,
  type CsvOptions, type CsvSource, type CsvRow, type ToTensorsOptions, type CsvTensors,
} from "./csv.js";
export {
  parseIdx, encodeIdx, readIdx, readIdxArray, idxToTensor, idxDType, isGzip, gunzip, findFashionMnist, loadFashionMnist,
  FASHION_MNIST_CLASSES, FASHION_MNIST_DIRS, type IdxArray, type IdxType, type FashionMnistFiles,
} from "./idx.js";
export {
  compose, gaussianNoise, randomHorizontalFlip, randomShift, mixup, flipImagesHorizontal, shiftImages, mixBatch,
  imageLayout, sampleBeta, sampleGamma, type BatchTransform, type RandomSource,
} from "./transforms.js";
export * from "./datasets/index.js";
