"""Training code for the learned scorers (needs scikit-learn; the runtime scorers do not)."""
