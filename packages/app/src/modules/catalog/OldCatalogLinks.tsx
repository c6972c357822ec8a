import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';

/**
 * The catalog used to be the portal's root page: a link to `/?filters[kind]=...` (bookmarks,
 * old docs) opens the catalog at `/catalog` with the same filters, not the home page.
 */
export function OldCatalogLinks() {
  const { pathname, search, hash } = useLocation();
  const navigate = useNavigate();
  const oldCatalogLink =
    pathname === '/' && new URLSearchParams(search).has('filters[kind]');
  useEffect(() => {
    if (oldCatalogLink) navigate(`/catalog${search}${hash}`, { replace: true });
  }, [oldCatalogLink, navigate, search, hash]);
  return null;
}
