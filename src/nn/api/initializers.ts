/** `wt.initializers`: weight initializers (the name and model.json lookups stay private). */
export {
  zeros, ones, randomNormal, randomUniform, varianceScaling, glorotUniform, glorotNormal, heNormal, heUniform, orthogonal,
  type Initializer, type InitializerIdentifier, type SeedOption, type VarianceScalingConfig, type FanMode, type Distribution,
} from '../initializers.js';
