import { Link } from 'wouter';
import type { DockerImage } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatSize } from '../../lib/format-size.js';
import { formatAge, formatDateTime } from '../../lib/format-time.js';
import { useDockerImages } from './api/docker-images.js';
import { useDockerStatus } from './api/docker-status.js';
import { dockerRunLink, shortImageId } from './docker-links.js';
import { DockerOpenPanel } from './DockerOpenPanel.js';
import { useDockerOpen } from './use-docker-open.js';
import './docker.css';

/**
 * The home page's Docker part: the engine's images, to open in Peel or run. Without an engine
 * it is one quiet line saying why, and no actions.
 */
export function DockerSection() {
  const status = useDockerStatus();
  const available = status.data?.available === true;
  const images = useDockerImages(available);
  const open = useDockerOpen();
  if (!status.data) return null;
  if (!available) {
    return (
      <p className="docker-off muted small" data-testid="docker-off">
        Docker is not available: {status.data.reason}
      </p>
    );
  }
  const busy = open.state.status === 'streaming' || open.state.status === 'indexing';
  return (
    <section className="home-images docker-images" aria-labelledby="docker-images">
      <h2 id="docker-images">
        In Docker <span className="muted small">engine {status.data.version}</span>
      </h2>
      {images.isPending ? <Loading lines={2} label="Loading Docker images" /> : null}
      {images.isError ? <ErrorNote error={images.error} title="Could not list Docker images" onRetry={() => images.refetch()} /> : null}
      {images.data && images.data.length === 0 ? <p className="muted">The engine has no images.</p> : null}
      {images.data && images.data.length > 0 ? (
        <table className="image-table">
          <thead>
            <tr>
              <th scope="col">Image</th>
              <th scope="col">Id</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">Built</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {images.data.map((image) => (
              <DockerImageRow key={image.id} image={image} busy={busy} runs={status.data.runs} onOpen={() => void open.start(image.id, image.tags[0] ?? shortImageId(image.id))} />
            ))}
          </tbody>
        </table>
      ) : null}
      {!status.data.runs && status.data.runsReason ? <p className="muted small">Running containers is off: {status.data.runsReason}</p> : null}
      <DockerOpenPanel state={open.state} onCancel={open.cancel} onDismiss={open.dismiss} />
    </section>
  );
}

function DockerImageRow({ image, busy, runs, onOpen }: { image: DockerImage; busy: boolean; runs: boolean; onOpen: () => void }) {
  const label = image.tags[0] ?? shortImageId(image.id);
  return (
    <tr>
      <td>
        {image.tags.length ? (
          <ul className="tag-list">
            {image.tags.map((tag) => (
              <li key={tag} className="tag">
                {tag}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">untagged</span>
        )}
      </td>
      <td className="mono small" title={image.id}>
        {shortImageId(image.id)}
      </td>
      <td className="num">{formatSize(image.size)}</td>
      <td title={formatDateTime(image.created)}>{formatAge(image.created)}</td>
      <td>
        <div className="actions">
          <button type="button" className="button small" disabled={busy} onClick={onOpen} aria-label={`Open ${label} from Docker`}>
            Open
          </button>
          {runs ? (
            <Link href={dockerRunLink(image.ref)} className="button small" aria-label={`Run ${label}`}>
              Run
            </Link>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
