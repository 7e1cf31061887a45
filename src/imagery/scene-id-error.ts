// Why a string is not a scene id the service can use; every sensor's id parser throws it, the API answers 400.

export class SceneIdError extends Error {
  override readonly name = "SceneIdError";
}
