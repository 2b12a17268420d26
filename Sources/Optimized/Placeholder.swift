// Optimized
