// Types of scripts/gen-mnist.mjs for the TypeScript build configs that import it.
export declare const MNIST_DIR: string;
export declare const MNIST_FILES: { images: string; labels: string };
export declare function ensureMnist(opts?: { force?: boolean }): { images: string; labels: string };
