// Types of clone-landsat-scene.mjs, for the tests that import it.
export function cloneLandsatScene(sceneDir: string, day: number): Promise<string>;
