import { useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { Link, Router } from 'wouter';
import { Icon } from '../components/Icon.js';
import { guardNavigation } from '../features/editor/index.js';
import { DropOverlay, UploadButton, UploadPanel, UploadProvider } from '../features/upload/index.js';
import { createQueryClient } from './query-client.js';
import { AppRoutes } from './routes.js';

/** The app: server state in TanStack Query, uploads shared by every view, routes below a top bar. */
export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      {/* Every navigation passes the leave guard: an editor with unsaved text asks first. */}
      <Router aroundNav={guardNavigation}>
        <UploadProvider>
          <div className="app">
            <header className="top-bar">
              <Link href="/" className="brand">
                <Icon name="layers" />
                Peel
              </Link>
              <span className="brand-tagline">container images, opened up</span>
              <div className="top-actions">
                <UploadButton />
              </div>
            </header>
            <AppRoutes />
            <UploadPanel />
            <DropOverlay />
          </div>
        </UploadProvider>
      </Router>
    </QueryClientProvider>
  );
}
