/**
 * scikit-learn-style estimators (exposed as `estimators.*`): MLPClassifier and MLPRegressor with
 * scikit-learn 1.2's options, semantics and fitted attributes, plus the pieces they are built from.
 * See docs/estimators.md.
 */
export { MLPClassifier } from "./mlp-classifier.js";
export { MLPRegressor, type Targets } from "./mlp-regressor.js";
export { BaseMLP, type MLPJSON } from "./base-estimator.js";
export {
  mlpDefaults, resolveMLPOptions, type MLPOptions, type MLPActivation, type MLPSolver, type MLPLearningRate,
} from "./mlp-options.js";
export {
  glorotUniformInit, hiddenActivation, outputActivation, mlpPreActivation, mlpForward, mlpDataLoss, mlpLossGrad, sumOfSquares,
  type MLPOutActivation, type MLPLossGrad,
} from "./mlp-math.js";
export {
  SklearnSGD, SklearnAdam, sklearnSgdUpdate, sklearnAdamUpdate, sklearnSgdDefaults, sklearnAdamDefaults,
  type SklearnSGDOptions, type SklearnSGDState, type SklearnAdamOptions, type SklearnAdamState,
} from "./mlp-optimizers.js";
export { toMatrix, toTargetMatrix, type Matrix } from "./inputs.js";
