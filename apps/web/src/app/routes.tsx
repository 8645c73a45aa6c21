import { Link, Redirect, Route, Switch } from 'wouter';
import { ArchivePage } from '../features/archive/ArchivePage.js';
import { ConfigPage } from '../features/config/ConfigPage.js';
import { DockerRunPage } from '../features/docker/DockerRunPage.js';
import { DraftPage } from '../features/draft/DraftPage.js';
import { FindingsPage } from '../features/findings/FindingsPage.js';
import { MergedFilesPage } from '../features/files/MergedFilesPage.js';
import { ImageLayout } from '../features/image/ImageLayout.js';
import { HomePage } from '../features/images/components/HomePage.js';
import { LayerPage } from '../features/layers/LayerPage.js';
import { LayersPage } from '../features/layers/LayersPage.js';
import { links } from './links.js';

/** Every view has its own URL; see links.ts for how they are built. */
export function AppRoutes() {
  return (
    <Switch>
      <Route path="/docker/run">
        <DockerRunPage />
      </Route>
      <Route path="/">
        <HomePage />
      </Route>
      <Route path="/images/:id">{({ id }) => <Redirect to={links.image(id)} replace />}</Route>
      <Route path="/images/:id/layers">
        {({ id }) => (
          <ImageLayout id={id} tab="layers">
            <LayersPage />
          </ImageLayout>
        )}
      </Route>
      <Route path="/images/:id/layers/:n">{({ id, n }) => <Redirect to={links.layerFiles(id, Number(n))} replace />}</Route>
      <Route path="/images/:id/layers/:n/:tab">
        {({ id, n, tab }) =>
          /^\d+$/.test(n) && (tab === 'files' || tab === 'changes') ? (
            <ImageLayout id={id} tab="layers">
              <LayerPage layer={Number(n)} tab={tab} />
            </ImageLayout>
          ) : (
            <NotFound />
          )
        }
      </Route>
      <Route path="/images/:id/files">
        {({ id }) => (
          <ImageLayout id={id} tab="files">
            <MergedFilesPage />
          </ImageLayout>
        )}
      </Route>
      <Route path="/images/:id/config">
        {({ id }) => (
          <ImageLayout id={id} tab="config">
            <ConfigPage />
          </ImageLayout>
        )}
      </Route>
      <Route path="/images/:id/archive">
        {({ id }) => (
          <ImageLayout id={id} tab="archive">
            <ArchivePage />
          </ImageLayout>
        )}
      </Route>
      <Route path="/images/:id/findings">
        {({ id }) => (
          <ImageLayout id={id} tab="findings">
            <FindingsPage />
          </ImageLayout>
        )}
      </Route>
      <Route path="/images/:id/draft">
        {({ id }) => (
          <ImageLayout id={id} tab="draft">
            <DraftPage />
          </ImageLayout>
        )}
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function NotFound() {
  return (
    <main className="home">
      <h1>Nothing here</h1>
      <p>
        This address is not a Peel view. <Link href={links.home()}>Go to the image list</Link>.
      </p>
    </main>
  );
}
