from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # replaced below in this commit series
    return HttpResponse(status=501)


dossier_list = dossier_create = dossier_detail = dossier_move = advisory_note_add = _todo
round_list = _todo
