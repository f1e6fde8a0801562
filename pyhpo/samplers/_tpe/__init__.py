"""The Tree-structured Parzen Estimator: the sampler, its Parzen estimators and the truncated normal it draws from."""
