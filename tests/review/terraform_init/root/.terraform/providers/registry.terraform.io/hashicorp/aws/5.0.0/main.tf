not a provider binary
