import type { ReactNode } from 'react';
import { Link, Redirect, Route, Switch } from 'wouter';
import { ArchivePage } from '../features/archive/index.js';
import { ComparePage } from '../features/compare/index.js';
import { ConfigPage } from '../features/config/index.js';
import { DockerRunPage } from '../features/docker/index.js';
import { DraftPage } from '../features/draft/index.js';
import { FindingsPage } from '../features/findings/index.js';
import { MergedFilesPage } from '../features/files/index.js';
import { ImageLayout, type ImageTab } from '../features/image/index.js';
import { HomePage } from '../features/home/index.js';
import { LayerPage, LayersPage } from '../features/layers/index.js';
import { PackagesPage } from '../features/packages/index.js';
import { useDocumentTitle, useImageTitle } from './document-title.js';
import { links } from './links.js';

/** Every view has its own URL; see links.ts for how they are built. */
export function AppRoutes() {
  return (
    <Switch>
      <Route path="/docker/run">
        <Titled title="Run in Docker">
          <DockerRunPage />
        </Titled>
      </Route>
      <Route path="/">
        <Titled title="Images">
          <HomePage />
        </Titled>
      </Route>
      <Route path="/compare">
        <Titled title="Compare">
          <ComparePage tab="files" />
        </Titled>
      </Route>
      <Route path="/compare/:tab">
        {({ tab }) =>
          tab === 'config' || tab === 'history' || tab === 'packages' ? (
            <Titled title={`Compare ${tab}`}>
              <ComparePage tab={tab} />
            </Titled>
          ) : (
            <NotFound />
          )
        }
      </Route>
      <Route path="/images/:id">{({ id }) => <Redirect to={links.image(id)} replace />}</Route>
      <Route path="/images/:id/layers">
        {({ id }) => (
          <ImageView id={id} tab="layers" view="Layers">
            <LayersPage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/layers/:n">{({ id, n }) => <Redirect to={links.layerFiles(id, Number(n))} replace />}</Route>
      <Route path="/images/:id/layers/:n/:tab">
        {({ id, n, tab }) =>
          /^\d+$/.test(n) && (tab === 'files' || tab === 'changes') ? (
            <ImageView id={id} tab="layers" view={`Layer ${n} ${tab}`}>
              <LayerPage layer={Number(n)} tab={tab} />
            </ImageView>
          ) : (
            <NotFound />
          )
        }
      </Route>
      <Route path="/images/:id/files">
        {({ id }) => (
          <ImageView id={id} tab="files" view="Files">
            <MergedFilesPage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/config">
        {({ id }) => (
          <ImageView id={id} tab="config" view="Config">
            <ConfigPage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/archive">
        {({ id }) => (
          <ImageView id={id} tab="archive" view="Archive">
            <ArchivePage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/findings">
        {({ id }) => (
          <ImageView id={id} tab="findings" view="Findings">
            <FindingsPage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/packages">
        {({ id }) => (
          <ImageView id={id} tab="packages" view="Packages">
            <PackagesPage />
          </ImageView>
        )}
      </Route>
      <Route path="/images/:id/draft">
        {({ id }) => (
          <ImageView id={id} tab="draft" view="Draft">
            <DraftPage />
          </ImageView>
        )}
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

/** An image view inside the image's frame, its title naming the image and the view. */
function ImageView({ id, tab, view, children }: { id: string; tab: ImageTab; view: string; children: ReactNode }) {
  useImageTitle(id, view);
  return (
    <ImageLayout id={id} tab={tab}>
      {children}
    </ImageLayout>
  );
}

function Titled({ title, children }: { title: string; children: ReactNode }) {
  useDocumentTitle(title);
  return children;
}

function NotFound() {
  useDocumentTitle('Not found');
  return (
    <main className="home">
      <h1>Nothing here</h1>
      <p>
        This address is not a Peel view. <Link href={links.home()}>Go to the image list</Link>.
      </p>
    </main>
  );
}
