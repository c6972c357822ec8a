import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { OldCatalogLinks } from './OldCatalogLinks';

function Where() {
  const { pathname, search } = useLocation();
  return <output>{`${pathname}${search}`}</output>;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <OldCatalogLinks />
      <Routes>
        <Route path="*" element={<Where />} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('OldCatalogLinks', () => {
  it('sends a link to the old catalog at the root to /catalog with its filters', async () => {
    renderAt('/?filters[kind]=dataproduct&filters[user]=all');
    expect(
      await screen.findByText(
        '/catalog?filters[kind]=dataproduct&filters[user]=all',
      ),
    ).toBeInTheDocument();
  });

  it('leaves the home page and other pages where they are', async () => {
    renderAt('/');
    expect(await screen.findByText('/')).toBeInTheDocument();
    renderAt('/search?query=x&filters[kind]=dataproduct');
    expect(
      await screen.findByText('/search?query=x&filters[kind]=dataproduct'),
    ).toBeInTheDocument();
  });
});
