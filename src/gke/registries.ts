/**
 * Where images come from, for image-pull grants and the Binary Authorization allowlist. Pure logic.
 */

/** An image registry a project owns: Artifact Registry (`<location>-docker.pkg.dev/<project>/<repo>`) or Container Registry. */
export interface ImageRegistry {
  /** The registry host, e.g. `europe-west1-docker.pkg.dev`. */
  readonly host: string;
  /** The project that owns it: the node service account needs `roles/artifactregistry.reader` there. */
  readonly project: string;
}

/** The Google registry an image is pulled from, or undefined for any other registry (Docker Hub, ghcr.io ...). */
export function googleRegistryOf(image: string): ImageRegistry | undefined {
  const m = /^((?:[a-z0-9-]+-docker\.pkg\.dev)|(?:(?:[a-z]+\.)?gcr\.io))\/([a-z][-a-z0-9]{4,28}[a-z0-9])\//.exec(image);
  return m ? { host: m[1], project: m[2] } : undefined;
}

/** The distinct Google registries of a list of images, sorted. */
export function googleRegistries(images: readonly string[]): ImageRegistry[] {
  const seen = new Map<string, ImageRegistry>();
  for (const image of images) {
    const r = googleRegistryOf(image);
    if (r) seen.set(`${r.host}/${r.project}`, r);
  }
  return [...seen.values()].sort((a, b) => `${a.host}/${a.project}`.localeCompare(`${b.host}/${b.project}`));
}

/** A Binary Authorization allowlist pattern admitting every image of a registry's project. */
export function registryPattern(r: ImageRegistry): string {
  return `${r.host}/${r.project}/**`;
}
