export type IconName = 'file' | 'folder' | 'folder-open' | 'link' | 'hardlink' | 'whiteout' | 'opaque' | 'device' | 'chevron' | 'download' | 'upload' | 'layers' | 'copy' | 'check';

/** 16px line icons drawn with currentColor, so they follow the theme and never depend on fonts. */
const PATHS: Record<IconName, string> = {
  file: 'M4 1.5h5l3 3v10H4z M9 1.5v3h3',
  folder: 'M1.5 3.5h5l1.5 1.5h6.5v8.5h-13z',
  'folder-open': 'M1.5 3.5h5l1.5 1.5h5.5v2 M1.5 13.5v-10 M1.5 13.5l2-6h11l-2 6z',
  link: 'M6.5 9.5l3-3 M7 4.5l1.5-1.5a2.5 2.5 0 0 1 3.5 3.5L10.5 8 M9 11.5L7.5 13a2.5 2.5 0 0 1-3.5-3.5L5.5 8',
  hardlink: 'M4 1.5h5l3 3v10H4z M6.5 9h3 M6 7.5a1.5 1.5 0 0 0 0 3 M10 7.5a1.5 1.5 0 0 1 0 3',
  whiteout: 'M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z M3.5 3.5l9 9',
  opaque: 'M1.5 3.5h5l1.5 1.5h6.5v8.5h-13z M4 7l6 6 M7 7l5 5 M10 7l2.5 2.5',
  device: 'M3 3.5h10v9h-10z M5.5 1.5v2 M10.5 1.5v2 M5.5 12.5v2 M10.5 12.5v2 M6 6.5h4v3h-4z',
  chevron: 'M6 4l4 4-4 4',
  download: 'M8 2v8 M4.5 6.5L8 10l3.5-3.5 M2.5 13.5h11',
  upload: 'M8 10V2 M4.5 5.5L8 2l3.5 3.5 M2.5 13.5h11',
  layers: 'M8 2l6.5 3.5L8 9 1.5 5.5z M1.5 8.5L8 12l6.5-3.5 M1.5 11.5L8 15l6.5-3.5',
  copy: 'M5.5 5.5h8v8h-8z M10.5 5.5v-3h-8v8h3',
  check: 'M3 8.5l3.5 3.5 6.5-7.5',
};

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg className={className ? `icon ${className}` : 'icon'} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
