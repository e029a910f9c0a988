// Shared definitions of Neurite's compute shaders.
