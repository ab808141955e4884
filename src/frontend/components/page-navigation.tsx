import React, { useCallback, useState } from 'react';
import { Button, Inline, Text } from '@forge/react';

export interface CursorStack {
  /** The current page's cursor (undefined on the first page). */
  cursor: string | undefined;
  /** 1-based number of the current page. */
  pageNumber: number;
  toFirst: () => void;
  toPrevious: () => void;
  toNext: (nextCursor: string) => void;
}

/** Cursor pagination state: the cursors of the pages walked through, the current page's last. */
export const useCursorStack = (): CursorStack => {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const toFirst = useCallback(() => setCursors([undefined]), []);
  const toPrevious = useCallback(() => setCursors((c) => c.slice(0, -1)), []);
  const toNext = useCallback((nextCursor: string) => setCursors((c) => [...c, nextCursor]), []);
  return { cursor: cursors[cursors.length - 1], pageNumber: cursors.length, toFirst, toPrevious, toNext };
};

/** Previous · Page n · Next under a cursor-paginated table; Next is off when the server sent no next cursor. */
export const PageNavigation = ({ pages, nextCursor }: { pages: CursorStack; nextCursor: string | undefined }) => (
  <Inline space="space.100" alignBlock="center">
    <Button spacing="compact" isDisabled={pages.pageNumber === 1} onClick={pages.toPrevious}>
      Previous
    </Button>
    <Text size="small">{`Page ${pages.pageNumber}`}</Text>
    <Button spacing="compact" isDisabled={!nextCursor} onClick={() => nextCursor && pages.toNext(nextCursor)}>
      Next
    </Button>
  </Inline>
);
