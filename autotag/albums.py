"""The album map: asset id -> names of the albums holding it, built once per run.

Immich 3.x returns no assets in ``GET /albums/{id}``; members come from ``POST /search/metadata {albumIds:[id]}``
pages of up to 1000. Two strategies:

- ``per-album``: ``GET /albums/{id}`` then the member search, for every album: the shape of the reference tool's
  per-album loading on a 3.x server.
- ``cached``: the album list from the one ``GET /albums`` call is cached and reused (name, ``assetCount``), so no
  ``GET /albums/{id}`` is sent and empty albums are not searched.
"""

from __future__ import annotations

from collections import defaultdict

from autotag.client import MEMBER_PAGE_SIZE, ImmichClient
from autotag.models import Album

ALBUM_STRATEGIES = ("per-album", "cached")


class AlbumMap:
    """Asset id -> the names of the albums holding it, built once per run."""

    def __init__(self, names_by_asset: dict[str, tuple[str, ...]], albums: list[Album]) -> None:
        self._names = names_by_asset
        self.albums = albums

    def names_for(self, asset_id: str) -> tuple[str, ...]:
        """The names of the albums holding the asset (empty when it is in none)."""
        return self._names.get(asset_id, ())

    def __len__(self) -> int:
        return len(self._names)

    @classmethod
    def of(cls, albums: list[Album], members: dict[str, list[str]]) -> AlbumMap:
        """From the album list and each album's member ids (albums in list order)."""
        names: defaultdict[str, list[str]] = defaultdict(list)
        for album in albums:
            for asset_id in members.get(album.id, ()):
                names[asset_id].append(album.name)
        return cls({asset: tuple(album_names) for asset, album_names in names.items()}, albums)

    @classmethod
    def build(cls, client: ImmichClient, strategy: str) -> AlbumMap:
        """List the albums and search each one's members, by the ``per-album`` or ``cached`` strategy."""
        if strategy not in ALBUM_STRATEGIES:
            raise ValueError(f"unknown album strategy {strategy!r}; valid: {', '.join(ALBUM_STRATEGIES)}")
        albums = client.list_albums()
        members: dict[str, list[str]] = {}
        for album in albums:
            if strategy == "per-album":
                client.get_album(album.id)
            elif album.asset_count == 0:
                continue
            members[album.id] = [
                item.id
                for page in client.iter_search(size=MEMBER_PAGE_SIZE, albumIds=[album.id])
                for item in page.items
            ]
        return cls.of(albums, members)
