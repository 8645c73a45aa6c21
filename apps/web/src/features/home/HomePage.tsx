import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { DockerSection } from '../docker/index.js';
import { RegistrySection } from '../registry/index.js';
import { UploadButton } from '../upload/index.js';
import { ImageTable, useImages } from '../images/index.js';

/** The start page: a drop target, opening from a registry, the stored images, and the Docker engine's images. */
export function HomePage() {
  const images = useImages();
  return (
    <main className="home">
      <section className="drop-zone" aria-label="Open an image">
        <div className="drop-zone-icon" aria-hidden="true">
          ⇣
        </div>
        <h1>Open a container image</h1>
        <p className="muted">
          Drop a <code>docker save</code> or OCI archive (<code>.tar</code>, <code>.tar.gz</code>) anywhere on this page, or pick one.
          It stays on this machine.
        </p>
        <UploadButton primary />
      </section>
      <RegistrySection />
      <section className="home-images" aria-labelledby="stored-images">
        <h2 id="stored-images">Stored images</h2>
        {images.isPending ? <Loading lines={3} label="Loading images" /> : null}
        {images.isError ? <ErrorNote error={images.error} title="Could not list images" onRetry={() => images.refetch()} /> : null}
        {images.data && images.data.length === 0 ? <p className="muted">No images yet. The first one you open will be listed here.</p> : null}
        {images.data && images.data.length > 0 ? <ImageTable images={images.data} /> : null}
      </section>
      <DockerSection />
    </main>
  );
}
